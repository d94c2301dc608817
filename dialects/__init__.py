"""scanjit's xDSL dialects (`sj`), and the contract between the emitter, the
passes and the JIT (`abi`, which imports no xDSL)."""


def all_dialects() -> dict:
    """Our dialects by name, for an xDSL context (imports xDSL)."""
    from scanjit.dialects.sj import SJ

    return {"sj": SJ}
