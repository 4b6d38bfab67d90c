"""The monitrc grammar: a port of Monit's scanner, a Lark LALR grammar and the model builder."""
