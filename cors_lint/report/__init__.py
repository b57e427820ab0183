"""Output formats. Formatters only present findings; they analyse nothing."""
