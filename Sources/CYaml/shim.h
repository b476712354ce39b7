#ifndef TEND_CYAML_SHIM_H
#define TEND_CYAML_SHIM_H
#include <yaml.h>
#endif
