"""Helpers the tests import (fixtures stay in conftest.py): fakes, events, AWS under moto."""
