"""Scan helpers, as in `pytensor.scan.utils`."""


class until:
    """Returned by a step function to stop the loop once `condition` is true."""

    def __init__(self, condition):
        from scanjit.tensor.basic import as_tensor_variable

        self.condition = as_tensor_variable(condition)


class OrderedUpdates(dict):
    """The updates a scan returns: shared variable -> its value after the loop."""
