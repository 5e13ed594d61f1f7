"""The linked models (directory/models.py) as a failing test prints them."""

import signal

from circles.directory.assemble import assemble_directory
from tests.conftest import BUILD_DATE, ROOT


class TooLong(Exception):
    pass


def printed(show) -> str:
    """What ``show()`` gives, or a failure after two seconds (raised here, where pytest has no record
    to print: printing one is what would take so long)."""
    def stop(signum, frame):
        raise TooLong

    before = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, 2)
    try:
        return show()
    except TooLong:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
    raise AssertionError("a record took more than two seconds to print")


def test_a_record_prints_without_the_records_that_link_back_to_it():
    """A circle shows its library and network, which list their circles, which show theirs…: printed
    whole, one circle of the sample was the directory many times over, and pytest took minutes to
    report an assertion about it."""
    directory = assemble_directory({"PATH": str(ROOT / "content"), "BUILD_DATE": BUILD_DATE})
    library = next(lib for lib in directory.libraries if len(lib.circles) >= 2 and lib.network)
    first, second = library.circles[:2]
    circle = printed(lambda: repr(first))
    assert first.id in circle and library.name in circle and library.network.name in circle
    assert second.id not in circle and len(circle) < 20_000
    assert second.id not in printed(lambda: repr(library) + repr(library.network))
    assert len(printed(lambda: repr(directory.countries[0]))) < 1_000


def test_every_model_keeps_its_fields_in_slots():
    """A large directory has millions of these objects, each without a dictionary of attributes
    (issue 24: the build's main process 83 MB smaller at 50,000 circles). Every object the sample's
    directory reaches through its records has no ``__dict__``, and takes no attribute that is not a field."""
    directory = assemble_directory({"PATH": str(ROOT / "content"), "BUILD_DATE": BUILD_DATE})
    circle = next(c for c in directory.circles if c.library and c.library.network)
    reached = [directory, circle, circle.course, circle.signup, circle.first_meeting, circle.library,
               circle.library.address, circle.library.network, directory.countries[0]]
    with_dictionaries = sorted(type(model).__name__ for model in reached if hasattr(model, "__dict__"))
    assert with_dictionaries == []
    try:
        circle.colour = "green"
    except AttributeError:
        pass
    else:
        raise AssertionError("a circle took an attribute that is not one of its fields")
