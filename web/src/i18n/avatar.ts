// Messages of the avatar area (English, Simplified Chinese). Placeholders: {name}, {file}, {reason}, {status}.
import type { Translation } from './types';

export const en = {
  'avatar.label': 'Avatar: {name}',
  'avatar.error.webgl': 'This browser cannot draw 3D graphics (WebGL is off or unsupported), so the avatar cannot be shown. Chat still works. Turn on hardware acceleration in the browser settings, then reload the page.',
  'avatar.error.loadFailed': 'The model "{name}" could not be loaded: {reason}. Pick another model on the Models page, or upload it again.',
  'avatar.error.cubism4Missing': 'The Live2D model "{name}" needs Live2D\'s Cubism Core, which we are not allowed to ship with N.E.K.O. Download "Cubism SDK for Web" from Live2D\'s website (live2d.com), accept their licence, and copy the file {file} from its Core folder into the live2d folder of your N.E.K.O. data folder ({path}). Then reload this page.',
  'avatar.error.notFound': 'the file is missing (HTTP {status})',
  'avatar.error.unreadable': 'its files could not be read',
  'avatar.error.notVrm': 'it is not a VRM model',
  'avatar.error.slow': 'its files took more than a minute to load',
  'avatar.live2dFolder': 'usually Documents/N.E.K.O/live2d/',
} as const;

export const zh: Translation<typeof en> = {
  'avatar.label': '形象：{name}',
  'avatar.error.webgl': '当前浏览器无法绘制 3D 图形（WebGL 已关闭或不受支持），因此无法显示形象，聊天仍可正常使用。请在浏览器设置中开启硬件加速，然后刷新页面。',
  'avatar.error.loadFailed': '无法加载模型“{name}”：{reason}。请到模型管理页面换一个模型，或重新上传。',
  'avatar.error.cubism4Missing': 'Live2D 模型“{name}”需要 Live2D 官方的 Cubism Core，按其许可我们不能随 N.E.K.O. 一起提供。请从 Live2D 官网（live2d.com）下载“Cubism SDK for Web”，同意其许可协议后，把 Core 文件夹里的 {file} 复制到 N.E.K.O. 数据文件夹的 live2d 文件夹中（{path}），然后刷新本页面。',
  'avatar.error.notFound': '文件不存在（HTTP {status}）',
  'avatar.error.unreadable': '无法读取模型文件',
  'avatar.error.notVrm': '这不是 VRM 模型',
  'avatar.error.slow': '模型文件加载超过一分钟仍未完成',
  'avatar.live2dFolder': '通常是 文档/N.E.K.O/live2d/',
};
