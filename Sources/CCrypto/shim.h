// OpenSSL's libcrypto (Debian: libssl-dev): SHA-256 for content hashes.
#include <openssl/evp.h>
