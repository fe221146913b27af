"""The shell: the command line, the one door into the engine, the store and both fronts."""
