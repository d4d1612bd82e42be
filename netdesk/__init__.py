"""NetDesk: a job seeker's network, kept on their own machine."""

__version__ = "0.1.0"
