"""PyTensor's `pytensor.tensor.random.type`: the type of generators and its
instance, which makes generator inputs (`random_generator_type("rng")`)."""

from scanjit.shared import RandomGeneratorType

random_generator_type = RandomGeneratorType()

__all__ = ["RandomGeneratorType", "random_generator_type"]
