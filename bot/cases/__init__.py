"""Case work: the service with the rules of every case action, and its notices."""
