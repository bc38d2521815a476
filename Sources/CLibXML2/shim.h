// Debian's libxml2 is built with ICU, whose headers clash with Foundation's own ICU module
// ("'UErrorCode' has different definitions in different modules"). Hiding the ICU part of
// libxml2's headers avoids the clash; we never touch xmlCharEncodingHandler's ICU fields.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/parserInternals.h>
#include <libxml/HTMLtree.h>
