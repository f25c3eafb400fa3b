"""Word rendering: the only layer that imports docxtpl and python-docx."""
