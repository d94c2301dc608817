"""scanjit's xDSL dialects."""

from scanjit.dialects.sj import SJ

ALL_DIALECTS = {"sj": SJ}
