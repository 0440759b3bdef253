"""Personalisation (R2.2, R1.2): interest profiles of logged-in customers who have given the
personalisation consent, and the front page's «Utvalgt for deg» and «Tilbud til deg».

Everything here happens only when `personalisation_applies()`; without the consent the shop
is the same for everyone and nothing is recorded. Withdrawing the consent deletes the profile
in the same transaction as the ledger row (R3.6). The tables are `personal_*`.
"""

from bkm.personal.offers import offers_for  # noqa: F401  (the public API)
from bkm.personal.picks import front_page, picks_for  # noqa: F401
from bkm.personal.profile import (  # noqa: F401  (importing it registers the withdrawal handler)
    forget,
    interests,
    note_product_view,
    note_purchase,
    personalisation_applies,
)
