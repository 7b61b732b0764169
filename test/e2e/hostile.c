// SPDX-License-Identifier: GPL-2.0
/* </script><img src=x onerror=alert(1)> "><svg onload=alert(2)> */
#include <linux/highmem.h>

static const char banner[] = "</script><script>alert(3)</script>";

static void evil_fill(struct page *page)
{
	char *p = kmap_local_page(page);
	memcpy(p, banner, sizeof(banner)); /* <img src=x onerror=alert(4)> */
	kunmap_local(p);
}
