"""The outside world a run reports to, behind one ``Platform`` protocol (see ``base``)."""
