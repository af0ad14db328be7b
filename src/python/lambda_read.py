"""Reads Lambda layers' stored code objects without running them (keras-fix, stdlib only, Python 3.6+, and 2.7
for the bytecode Keras 1 and 2.0 users marshalled there).

stdin: {"codes": ["<base64 of marshal.dumps(code)>", ...]}; stdout: one JSON document {"python": "3.11.7",
"readings": [...]}, one reading per code, in order. Each reading lists what the code would touch (global names,
attribute chains, constants, arguments) and its instructions for keras-fix's decompiler. The code objects are
only unmarshalled and disassembled: nothing here calls exec, eval or the function. keras-fix runs this file in a
throwaway interpreter whose minor matches the bytecode's, because marshal data from another Python, or crafted
data, may crash the interpreter that reads it.
"""
import base64
import binascii
import dis
import json
import marshal
import opcode
import sys
import types

MAX_INSTRUCTIONS = 2000
MAX_DEPTH = 8
MAX_TEXT = 200


def short(value):
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "..."


def source(value):
    """repr as Python 3 source: Python 2's long prints as 5L."""
    return str(value) if type(value).__name__ == "long" else repr(value)


def literal(value):
    """A constant as keras-fix shows it: Python literal text for plain values, a marker for nested code."""
    if isinstance(value, types.CodeType):
        return {"code": value.co_name}
    return {"python": short(source(value))}


def argument(instruction):
    value = instruction.argval
    if isinstance(value, types.CodeType):
        return "<code %s>" % value.co_name
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return short(source(value))


def string_tuple(value):
    if isinstance(value, tuple) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


CONSTANT_OPS = ("LOAD_CONST", "RETURN_CONST", "LOAD_SMALL_INT")


def instruction_of(code, instruction):
    """opname, the resolved argument, dis' text, the raw argument, and for constants their literal text."""
    item = {"op": instruction.opname, "arg": argument(instruction), "repr": short(instruction.argrepr),
            "index": instruction.arg}
    if instruction.opname in CONSTANT_OPS:
        value = instruction.argval
        item["literal"] = None if isinstance(value, types.CodeType) else short(source(value))
        item["code"] = isinstance(value, types.CodeType)
    names = string_tuple(instruction.argval)
    if names is not None:
        item["names"] = names
    if instruction.opname == "KW_NAMES" and instruction.arg is not None and instruction.arg < len(code.co_consts):
        # Python 3.11's dis shows "<unknown>" here: the names are the constant at the raw index.
        item["names"] = string_tuple(code.co_consts[instruction.arg])
    return item


class OldInstruction(object):
    """What dis.get_instructions (3.4+) gives, for Python 2.7's variable-length bytecode."""

    def __init__(self, opname, arg, argval, argrepr):
        self.opname, self.arg, self.argval, self.argrepr = opname, arg, argval, argrepr


def old_instructions(code):
    raw = bytearray(code.co_code)
    free = code.co_cellvars + code.co_freevars
    extended = 0
    i = 0
    while i < len(raw):
        op = raw[i]
        arg = argval = None
        argrepr = ""
        if op >= opcode.HAVE_ARGUMENT:
            arg = raw[i + 1] + raw[i + 2] * 256 + extended
            extended = arg * 65536 if op == opcode.EXTENDED_ARG else 0
            argval = arg
            if op in opcode.hasconst:
                argval = code.co_consts[arg]
                argrepr = repr(argval)
            elif op in opcode.hasname:
                argval = argrepr = code.co_names[arg]
            elif op in opcode.haslocal:
                argval = argrepr = code.co_varnames[arg]
            elif op in opcode.hasfree:
                argval = argrepr = free[arg]
            elif op in opcode.hascompare:
                argval = argrepr = opcode.cmp_op[arg]
            elif op in opcode.hasjrel:
                argval = i + 3 + arg
            i += 3
        else:
            i += 1
        yield OldInstruction(opcode.opname[op], arg, argval, argrepr)


def instructions_of(code):
    return dis.get_instructions(code) if hasattr(dis, "get_instructions") else old_instructions(code)


def positional_names(code):
    # co_argcount counts positional-only arguments too (3.8+); Python 2 has no keyword-only arguments.
    count = code.co_argcount
    kwonly_count = getattr(code, "co_kwonlyargcount", 0)
    names = list(code.co_varnames[:count])
    kwonly = list(code.co_varnames[count:count + kwonly_count])
    flags = code.co_flags
    rest = code.co_varnames[count + kwonly_count:]
    varargs = rest[0] if flags & 0x04 and rest else None
    varkw = None
    if flags & 0x08:
        varkw = rest[1] if flags & 0x04 and len(rest) > 1 else (rest[0] if rest else None)
    return names, kwonly, varargs, varkw


def read_code(code, depth):
    names, kwonly, varargs, varkw = positional_names(code)
    instructions = []
    for index, instruction in enumerate(instructions_of(code)):
        if index >= MAX_INSTRUCTIONS:
            instructions.append({"op": "TRUNCATED", "arg": None, "repr": ""})
            break
        instructions.append(instruction_of(code, instruction))
    nested = []
    if depth < MAX_DEPTH:
        nested = [read_code(const, depth + 1) for const in code.co_consts if isinstance(const, types.CodeType)]
    return {
        "name": code.co_name,
        "filename": short(code.co_filename),
        "firstLine": code.co_firstlineno,
        "args": names,
        "kwonly": kwonly,
        "varargs": varargs,
        "varkw": varkw,
        "freevars": list(code.co_freevars),
        "names": list(code.co_names),
        "constants": [literal(c) for c in code.co_consts],
        "instructions": instructions,
        "nested": nested,
    }


def decode(text):
    raw = text if isinstance(text, bytes) else text.encode("ascii")
    return base64.b64decode(raw)


def read_one(text):
    try:
        data = decode(text)
    except (binascii.Error, ValueError, TypeError) as exc:
        return {"ok": False, "error": "not base64: %s" % exc}
    try:
        code = marshal.loads(data)
    except Exception as exc:  # bad marshal data is the expected failure of another Python's bytecode
        return {"ok": False, "error": "%s: %s" % (type(exc).__name__, short(str(exc)))}
    if not isinstance(code, types.CodeType):
        return {"ok": False, "error": "the data holds a %s, not a code object" % type(code).__name__}
    try:
        return {"ok": True, "code": read_code(code, 0)}
    except Exception as exc:
        return {"ok": False, "error": "dis failed: %s: %s" % (type(exc).__name__, short(str(exc)))}


def main():
    request = json.loads(sys.stdin.read())
    readings = [read_one(text) for text in request.get("codes", [])]
    version = "%d.%d.%d" % sys.version_info[:3]
    sys.stdout.write(json.dumps({"python": version, "readings": readings}))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
