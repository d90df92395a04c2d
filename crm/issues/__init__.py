"""Community issues: what partners and communities raise, and what is done about it."""
