"""The Hurwitz zeta's constants of `polygamma`, shared by its NumPy
reference (scanjit.tensor.elemwise) and its compiled expansion
(passes/math_polynomial_approximation.py), which compute it the same way.
Plain numbers: any layer may import them."""

ZETA_SHIFT = 10  # zeta(s, q) from q + m >= s + 10 on by Euler-Maclaurin
ZETA_TAIL = (1 / 12, -1 / 720, 1 / 30240, -1 / 1209600, 1 / 47900160, -691 / 1307674368000,
             1 / 74724249600, -3617 / 10670622842880000, 43867 / 5109094217170944000,
             -174611 / 802857662698291200000, 854513 / 15511210043330985984000000,
             -236364091 / 1096907932701818880000000000)  # B_2k / (2k)!, k <= 12
ZETA_DUMMY = 2.0**60  # a q whose zeta is cheap, for the terms a positive x does not need
