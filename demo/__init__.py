"""The bundled synthetic demo sources: a loopback HTTP server over datasets/demo/.

Everything it serves is synthetic, written for this project. ``make run`` and the tests start it
on 127.0.0.1 and point the spiders at it through settings, the same way a researcher points them
at the live sites.
"""
