def pytest_report_header():
    from fuzz_programs import CASES, SEED

    return f"scanjit fuzz: SCANJIT_FUZZ_SEED={SEED} SCANJIT_FUZZ={CASES}"
