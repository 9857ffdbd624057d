import { z } from '@hono/zod-openapi';
import { Permission, type PermissionName } from '../access/permissions.ts';

/** The names of the permission bits set in a bitfield, in bit order (`permissionNames`), as answers carry them. */
export const permissionNameList = z.array(z.enum(Object.keys(Permission) as [PermissionName, ...PermissionName[]]));
