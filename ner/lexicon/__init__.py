"""Every word list and name list of the package, in one place: cpca's divisions parsed once (``cpca``),
from which both the rules' gazetteer (``places``) and the normaliser's code table
(``ner.normalize.regions``) are built; the place word lists of the rules, the normaliser, the
augmentation and the corpus region filter side by side (``place_words``); the currencies and capacity
units of the rules, the normalisers, FewFC's reader and the augmentation (``units``); and the last words
of bodies that are neither places nor firms (``bodies``). Lists that differ by purpose are kept apart,
each with a comment on why."""
