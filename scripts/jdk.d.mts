export declare const REQUIRED_JAVA: number;
export declare const JAVA_HINT: string;
