"""Stateful stand-ins for the services mlci talks to, served over real HTTP on 127.0.0.1."""
