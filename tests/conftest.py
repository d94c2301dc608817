import os

# Freed buffers are filled with NaN bytes in every test (scanjit/runtime/
# alloc.ll): a read after free shows as NaN instead of passing with old values.
os.environ.setdefault("SCANJIT_POISON_FREED", "1")


def pytest_report_header():
    from fuzz_programs import CASES, SEED

    return f"scanjit fuzz: SCANJIT_FUZZ_SEED={SEED} SCANJIT_FUZZ={CASES}"
