// A shared library that is not a plugin: it exports no entry alias.
extern "C" __attribute__((visibility("default"))) int streamgate_not_a_plugin() { return 42; }
