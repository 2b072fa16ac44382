export declare function stripExports(code: string): string;
