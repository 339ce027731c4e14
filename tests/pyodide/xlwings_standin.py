"""A stand-in for xlwings Lite's ``func``, ``arg`` and ``ret``, for running kpi_xl.lite outside Lite.

Lite's real decorators live in ``xlwings.server`` (``xlwings.pro``), which must not be imported
outside Lite without a licence key, so the Pyodide test installs this file as ``xlwings`` instead.
It records the metadata the way xlwings 0.37's Lite decorators do (``f.__xlfunc__``: ``name``,
``args`` and ``argmap`` with each argument's ``doc`` and ``options``, ``ret`` with the function's
``doc``; every option not understood is kept, none checked), which is what Lite reads to register a
function, its help and its arguments.
"""

from __future__ import annotations

import inspect

__all__ = ["arg", "func", "ret"]


def func(f=None, **kwargs):
    def inner(f):
        if not hasattr(f, "__xlfunc__"):
            args = []
            for pos, (name, param) in enumerate(inspect.signature(f).parameters.items()):
                if param.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD:
                    raise TypeError(f"{f.__name__}: Lite takes positional arguments only, not {name}")
                info = {"name": name, "pos": pos, "doc": f"Positional argument {pos + 1}", "options": {}}
                if param.default is not inspect.Parameter.empty:
                    info["optional"] = param.default
                args.append(info)
            f.__xlfunc__ = {
                "name": f.__name__,
                "args": args,
                "argmap": {a["name"]: a for a in args},
                "ret": {"doc": f.__doc__ if f.__doc__ is not None else f"Python function '{f.__name__}'",
                        "options": {}},
            }
        f.__xlfunc__["namespace"] = kwargs.get("namespace")
        f.__xlfunc__["ignored"] = {k: v for k, v in kwargs.items() if k != "namespace"}  # category...
        return f

    return inner if f is None else inner(f)


def arg(name, convert=None, **kwargs):
    def inner(f):
        argmap = func(f).__xlfunc__["argmap"]
        if name not in argmap:
            raise ValueError(f"Invalid argument name '{name}'.")
        if "doc" in kwargs:
            argmap[name]["doc"] = kwargs.pop("doc")
        if convert is not None:
            kwargs["convert"] = convert
        argmap[name]["options"].update(kwargs)
        return f

    return inner


def ret(convert=None, **kwargs):
    def inner(f):
        if convert is not None:
            kwargs["convert"] = convert
        func(f).__xlfunc__["ret"]["options"].update(kwargs)
        return f

    return inner
