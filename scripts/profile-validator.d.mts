export const OUTPUT: string;
export function generateProfileValidator(): Promise<string>;
