// libmatio (Debian: libmatio-dev): MATLAB .mat files.
#include <matio.h>
