;;; eglot-test.el --- FlushGuard's language server in Emacs 28 + eglot 1.9, headless  -*- lexical-binding: t -*-
;; Run by test/emacs/run.sh: FG_SERVER (the server script) and FG_FILE (a C file with a missing flush
;; on FG_LINE) come from the environment. Exits 0 on success, 1 with a FAIL line otherwise.

;; -Q skips site-start, which is what puts Debian's elpa-* packages on the load path.
(let ((default-directory "/usr/share/emacs/site-lisp/elpa/"))
  (when (file-directory-p default-directory) (normal-top-level-add-subdirs-to-load-path)))
(require 'eglot)
(require 'cl-lib)

(defconst fg-rule "missing-flush-dcache-page")
(defconst fg-line (string-to-number (or (getenv "FG_LINE") "0")))
(defvar fg-start (float-time))

(defun fg-log (fmt &rest args)
  (princ (format "emacs: [%5.2fs] %s\n" (- (float-time) fg-start) (apply #'format fmt args))))

(defun fg-fail (fmt &rest args)
  (fg-log "FAIL: %s" (apply #'format fmt args))
  (kill-emacs 1))

(defun fg-wait (what pred seconds)
  "Poll PRED while serving the server's output, for at most SECONDS; fail naming WHAT."
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or (funcall pred) (fg-fail "timed out after %ss waiting for %s" seconds what))))

(defun fg-lsp-diag (d)
  "The LSP diagnostic eglot keeps with the flymake diagnostic D."
  (alist-get 'eglot-lsp-diag (flymake-diagnostic-data d)))

(defun fg-findings ()
  "FlushGuard's diagnostics of the rule, as (LINE . FLYMAKE-DIAGNOSTIC), line 1-based."
  (cl-loop for d in (flymake-diagnostics)
           when (equal (plist-get (fg-lsp-diag d) :code) fg-rule)
           collect (cons (line-number-at-pos (flymake-diagnostic-beg d)) d)))

(defun fg-on-line (line) (cl-remove-if-not (lambda (f) (= (car f) line)) (fg-findings)))

(unless (> fg-line 0) (fg-fail "FG_LINE is not set"))
(setq eglot-server-programs
      `((c-mode . ("node" ,(expand-file-name (getenv "FG_SERVER")) "--stdio")))
      eglot-sync-connect t)
(find-file (expand-file-name (getenv "FG_FILE")))
(c-mode)
(apply #'eglot (eglot--guess-contact))
;; In batch mode flymake does not start by itself.
(flymake-start nil t)
(fg-wait (format "a %s diagnostic on line %d" fg-rule fg-line) (lambda () (fg-on-line fg-line)) 20)
(let* ((before (length (fg-findings)))
       (finding (cdar (fg-on-line fg-line)))
       (text (flymake-diagnostic-text finding)))
  (fg-log "%d findings; line %d: %s" before fg-line text)
  (unless (string-match-p "flush_dcache_page" text) (fg-fail "message names no flush: %s" text))
  (let* ((range (plist-get (fg-lsp-diag finding) :range))
         (actions (jsonrpc-request
                   (eglot--current-server-or-lose) :textDocument/codeAction
                   (list :textDocument (eglot--TextDocumentIdentifier)
                         :range range
                         :context (list :diagnostics (vector (fg-lsp-diag finding))))))
         (fix (cl-find-if (lambda (a)
                            (and (plist-get a :edit)
                                 (string-match-p "flush_dcache_page" (plist-get a :title))))
                          actions)))
    (fg-log "code actions: %s" (mapconcat (lambda (a) (plist-get a :title)) actions " | "))
    (unless fix (fg-fail "no quick fix inserting flush_dcache_page among %d actions" (length actions)))
    (let ((text-before (buffer-string)))
      (eglot--apply-workspace-edit (plist-get fix :edit))
      (when (equal text-before (buffer-string)) (fg-fail "the quick fix changed nothing")))
    (fg-log "applied: %s" (plist-get fix :title)))
  ;; Batch Emacs is never idle, so eglot's idle-timer would never send the change.
  (eglot--signal-textDocument/didChange)
  (flymake-start nil t)
  (fg-wait "the finding to disappear after the quick fix"
           (lambda () (and (null (fg-on-line fg-line)) (= (length (fg-findings)) (1- before))))
           20)
  (fg-log "%d finding(s) left, none on line %d: PASS" (length (fg-findings)) fg-line))
(set-buffer-modified-p nil)
(let ((server (eglot-current-server))) (when server (eglot-shutdown server)))
(kill-emacs 0)
