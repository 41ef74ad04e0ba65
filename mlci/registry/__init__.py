"""Layer 4: baseline lookup and version registration."""
