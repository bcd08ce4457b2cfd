/*
 * bsp/fs/readfs.h for PMSIS programs: see bsp/fs.h (types only; no read-only file system).
 */
#ifndef PMSIS_BSP_FS_READFS_H
#define PMSIS_BSP_FS_READFS_H

#include "bsp/fs.h"

#endif /* PMSIS_BSP_FS_READFS_H */
