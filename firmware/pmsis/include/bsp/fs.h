/*
 * bsp/fs.h for PMSIS programs: the types of the PMSIS file-system API, so that structures
 * and prototypes which mention them compile. There is no flash and no file system on
 * pulp-cluster: none of the pi_fs_* functions exists (a program that calls one does not link).
 */
#ifndef PMSIS_BSP_FS_H
#define PMSIS_BSP_FS_H

#include <stdint.h>

typedef struct pi_fs_file_s pi_fs_file_t;          /* opaque: there are no files */

typedef struct pi_cl_fs_req_s {
    uint32_t done;
    int32_t result;
} pi_cl_fs_req_t;

#endif /* PMSIS_BSP_FS_H */
