"""``python -m ner.cli`` (as torchrun and accelerate launch it) runs the ``ner`` command."""
from ner.cli import main

main()
