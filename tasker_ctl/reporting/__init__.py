"""Output formats: the only package besides ``cli`` that imports rich."""
