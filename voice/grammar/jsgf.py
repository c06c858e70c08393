"""A grammar written as compact JSGF, for engines and tests that read JSGF (output only)."""

from __future__ import annotations

from voice.grammar.tree import RULE_NAME_CHARS, GrammarTree, Node, Ref, Seq, Words, is_void


def to_jsgf(grammar: GrammarTree) -> str:
    """The grammar as JSGF: one public rule, then one rule per list, expansion rule and intent."""
    top_name = RULE_NAME_CHARS.sub("_", grammar.name) or "grammar"
    lines = ["#JSGF V1.0;", f"grammar {top_name};", ""]
    lines.append(f"public <{top_name}> = {_render(grammar.top, top=True)};")
    lines += [f"<{rule}> = {_render(body, top=True)};" for rule, body in grammar.rules]
    return "\n".join(lines) + "\n"


def _render(node: Node, top: bool = False) -> str:
    if isinstance(node, Words):
        return " ".join(node.words) if node.words else "<NULL>"
    if isinstance(node, Ref):
        return f"<{node.rule}>"
    if isinstance(node, Seq):
        return " ".join(_render(i) for i in node.items)
    if is_void(node):
        return "<VOID>"
    body = " | ".join(_render(i, top=True) for i in node.items)
    if node.optional:
        return f"[ {body} ]"
    return body if top else f"( {body} )"
