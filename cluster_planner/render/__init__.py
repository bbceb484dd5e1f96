"""Qt-free drawing: the map figure (matplotlib) shared by the window and the exports."""
