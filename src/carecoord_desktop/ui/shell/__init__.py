"""The window around the features: main window, screens, lock, sign-in, workers."""
