"""`--out FILE` for reports: the atomic writer every output of specc shares."""

from ..files import write_atomically

__all__ = ["write_atomically"]
