"""The one exception the user layer raises for bad input."""


class ThaadInputError(ValueError):
    """Bad input: a scenario, a file or an argument. The message is one line naming the field.

    The CLI prints it as ``thaad: error: <message>`` and exits with status 2.
    """
