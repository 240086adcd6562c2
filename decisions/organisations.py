"""Pure rules about organisations named in a decision."""

from .models import Organisation

K = Organisation.Kind

# The first words that say what kind of body a name is, most specific first.
_KINDS = [
    ("integrated care board", K.ICB),
    (" icb", K.ICB),
    ("nhs foundation trust", K.NHS_TRUST),
    ("nhs trust", K.NHS_TRUST),
    ("county council", K.COUNTY),
    ("district council", K.DISTRICT),
    ("borough council", K.DISTRICT),
    ("metropolitan borough", K.METROPOLITAN),
    ("london borough", K.LONDON_BOROUGH),
    ("city council", K.UNITARY),
    ("council", K.OTHER),
    ("ltd", K.PROVIDER),
    ("limited", K.PROVIDER),
]


def kind_from_name(name: str) -> str:
    """A first guess at a new organisation's kind from its name ("Solent NHS Trust" is an
    NHS trust); an administrator corrects it in the admin when it is wrong."""
    folded = f" {name.casefold()} "
    return next((kind for words, kind in _KINDS if words in folded), K.OTHER)
