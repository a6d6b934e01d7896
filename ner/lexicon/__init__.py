"""Word lists and name lists that more than one arrow reads: the place gazetteer of the rules
(``places``) and the last words of bodies that are neither places nor firms (``bodies``). The
currencies live with their ISO codes in ``ner.normalize.amounts.CURRENCY_CODES``, read by the rules."""
