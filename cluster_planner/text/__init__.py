"""Every user-facing sentence in Chinese and English: one catalogue that the window, the
command line, the reports and the map pictures read."""
