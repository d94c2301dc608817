"""scanjit command-line tools."""
