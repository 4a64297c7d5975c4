
#ifndef ATTUNE_EXPORT_H
#define ATTUNE_EXPORT_H

#ifdef ATTUNE_STATIC_DEFINE
#  define ATTUNE_EXPORT
#  define ATTUNE_NO_EXPORT
#else
#  ifndef ATTUNE_EXPORT
#    ifdef attune_EXPORTS
        /* We are building this library */
#      define ATTUNE_EXPORT 
#    else
        /* We are using this library */
#      define ATTUNE_EXPORT 
#    endif
#  endif

#  ifndef ATTUNE_NO_EXPORT
#    define ATTUNE_NO_EXPORT 
#  endif
#endif

#ifndef ATTUNE_DEPRECATED
#  define ATTUNE_DEPRECATED 
#endif

#ifndef ATTUNE_DEPRECATED_EXPORT
#  define ATTUNE_DEPRECATED_EXPORT ATTUNE_EXPORT ATTUNE_DEPRECATED
#endif

#ifndef ATTUNE_DEPRECATED_NO_EXPORT
#  define ATTUNE_DEPRECATED_NO_EXPORT ATTUNE_NO_EXPORT ATTUNE_DEPRECATED
#endif

#if 0 /* DEFINE_NO_DEPRECATED */
#  ifndef ATTUNE_NO_DEPRECATED
#    define ATTUNE_NO_DEPRECATED
#  endif
#endif

#endif /* ATTUNE_EXPORT_H */
