"""File access: every read of a file from outside (``safe_fs``), control files and standard input as text
(``source``), and which files of a folder are Monit files (``discovery``)."""
