"""Layer 7: the only side effects on the outside world (GitHub)."""
