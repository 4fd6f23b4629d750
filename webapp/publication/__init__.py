"""Publishing an adopted strategy: the agency's verbs, and the public pages at /p/."""
