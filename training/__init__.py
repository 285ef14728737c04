"""claimmine training code."""
