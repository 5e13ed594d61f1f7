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
